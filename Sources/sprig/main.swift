import SprigCLI

SprigCommand.main()
