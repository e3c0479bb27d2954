// Module Plots: SVG figures for `lss analyze` and campaign reports (issue 4).
