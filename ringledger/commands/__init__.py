"""The subcommands, one module each with configure(parser) and run(args): the top of the house."""
