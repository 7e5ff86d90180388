using Relance.ServiceDefaults;

if (HealthProbe.Requested(args)) return await HealthProbe.RunAsync(args);
await Relance.CorrespondenceService.CorrespondenceApp.Build(args).RunAsync();
return 0;
