using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Orleans.Sente.Protocol.Benchmarks.PackerBenchmarks).Assembly).Run(args);
