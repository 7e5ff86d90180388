return await Relance.Cli.RelanceCli.RunAsync(args, Console.Out, Console.Error);
