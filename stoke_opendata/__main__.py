from stoke_opendata.cli import main

main()
