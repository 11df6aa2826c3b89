# sheets

## Export of a list as a spreadsheet

export-xlsx = Download as Excel (.xlsx)
export-csv = Download as CSV (.csv)
export-number = Number
export-value-yuan = Estimated value (yuan)
export-yes = yes
export-no = no
export-refused-title = Nothing was exported
export-too-many = This list has { $total } rows; one export holds at most { $limit }. Narrow the filters (a year, a kind, a country) and export again.
