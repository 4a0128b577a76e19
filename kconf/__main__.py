from kconf.entry import main

main()
