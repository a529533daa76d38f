"""report: drawing one run, and one machine's history. Imports core and
history.

    plot                 scripts/plot: a run's report, or --history
    run_page             the run report page (report/index.html)
    machine_card         the machine card and the partial-run banner
    winners              who wins where: the report's first answer
    html_parts           page shell, sortable tables, cells
    interactive          plotly figures in pages that work offline
    interactive_page     a page of interactive figures: its head and parts
    figures              matplotlib conventions and the figure key
    palette              colours, markers and dashes for both back ends
    family_figures       per family: scaling, bars, heatmap (plotly)
    calibration_figures  the core-to-core heatmap, closeness to the hardware
    chatlog_figures      the chatlog family's pictures
    server_figures       the server family's pictures
    latency_figures      which latency pictures a run gets
    latency_style        line styles of the latency figures
    hockey               open-loop latency against offered load
    distribution         percentile distributions from .hgrm files
    locks                locks against critical-section length
    history_figure       the history figure, PNG and interactive from one model
    history_page         scripts/plot --history: the page
    state_figure         throughput against the state probe (machine modes)
"""
