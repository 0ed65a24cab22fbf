"""ASC-WDS (Skills for Care's Adult Social Care Workforce Data Set) bulk-upload interchange:
read the workplace, staff and training CSV files into the workforce spine, and write them back.

parse (bytes -> rows) -> validate (rows -> a Plan with its Report) -> apply (a Plan -> the
database, one transaction) ; export (the database -> the three files).
"""
