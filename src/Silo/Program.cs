using Orleans.Sente.Silo;

var builder = WebApplication.CreateBuilder(args);
builder.AddSenteSilo();

var app = builder.Build();
app.MapSenteSilo();
app.Run();
