"""The command line of DESIGN §6, one module a group of commands; `main` builds the parser."""
