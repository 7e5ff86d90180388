using Relance.ServiceDefaults;

if (HealthProbe.Requested(args)) return await HealthProbe.RunAsync(args);
await Relance.InvoiceService.InvoiceApp.Build(args).RunAsync();
return 0;
