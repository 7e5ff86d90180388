await Relance.InvoiceService.InvoiceApp.Build(args).RunAsync();
