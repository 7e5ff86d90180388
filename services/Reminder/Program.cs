await Relance.ReminderService.ReminderApp.Build(args).RunAsync();
