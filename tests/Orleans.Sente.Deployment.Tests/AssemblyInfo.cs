// The local-cluster test runs five processes of its own; on a small machine the suites run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
