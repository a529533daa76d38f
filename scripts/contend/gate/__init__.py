"""gate: the regression gate. Imports core and history; draws nothing, so
it runs where matplotlib and plotly are not installed.

    evidence      the samples per instance (one per process or recorded run)
    judge         the judgement: moderated tests, suite shift, BH, confirm
    verdict       the vocabulary of a verdict, and the Verdict
    verdict_text  the verdict as terminal text, markdown and the A/A summary
    regress       scripts/regress: two runs, or a run against its history
    pooled_run    one run folder from several runs of one build
    aa            A/A: false alarms over pairs and alternated windows
    ab            scripts/ab: two revisions built and run alternately
    paired        the paired design's rank tests (A and B back to back)
    power         scripts/power: the A/B gate's power with a known slowdown
"""
