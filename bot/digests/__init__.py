"""The daily summary and 《意向客户跟踪表》, and the full workbook for those entitled."""
