using Relance.ServiceDefaults;

if (HealthProbe.Requested(args)) return await HealthProbe.RunAsync(args);
await Relance.ReminderService.ReminderApp.Build(args).RunAsync();
return 0;
