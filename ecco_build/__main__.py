from ecco_build.cli import main

main()
