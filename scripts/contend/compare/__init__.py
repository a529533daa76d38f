"""compare: several machines side by side. Imports core and report.

    main     scripts/compare
    align    runs aligned by load and by workers; winners per machine
    text     the tables, printed and as markdown
    overlay  the overlay figure, PNG and interactive from one model
    page     the HTML page
"""
