using Relance.ServiceDefaults;

if (HealthProbe.Requested(args)) return await HealthProbe.RunAsync(args);
if (DevTokens.Requested(args)) return DevTokens.RunCommandLine(args);
if (args.FirstOrDefault() == "preview") return await Relance.ReminderService.DunningCases.TakingDueActions.PreviewEndpoint.RunCommandLineAsync(args[1..]);
await Relance.ReminderService.ReminderApp.Build(args).RunAsync();
return 0;
