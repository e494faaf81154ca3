"""Reading the world into canonical leads: files, workbooks, the drop folder, HTTP sources."""
