"""Administration: who may sign in (users), imports and undo from the browser, brand photos."""
