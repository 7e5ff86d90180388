await Relance.CorrespondenceService.CorrespondenceApp.Build(args).RunAsync();
