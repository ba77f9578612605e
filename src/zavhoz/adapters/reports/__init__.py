"""Reports for people: statistics, exports and printable room QR codes."""
