from bench.reactions.run import main

main()
