from stoke_opendata.cli import entry

entry()
