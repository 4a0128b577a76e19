from kconf.cli import main

main()
