from kconf.entry import run

run()
