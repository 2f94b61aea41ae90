"""Report writers: xlsx workbooks (xlsxwriter) and printable pages."""
