using Orleans.Sente.Bench.LoadGen;

// Two roles in one lean executable, each run as its own OS process by the harness:
//   receiver: holds the clients' WebSockets and records per-event latency;
//   driver:   keeps N pushes in flight through the system's push-control socket.
return args.FirstOrDefault() switch
{
    "receiver" => await ReceiverProgram.RunAsync(ArgMap.Parse(args.AsSpan(1))),
    "driver" => await DriverProgram.RunAsync(ArgMap.Parse(args.AsSpan(1))),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Orleans.Sente.Bench.LoadGen (receiver|driver) --key value ...");
    return 2;
}
