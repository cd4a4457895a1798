import ArgumentParser
struct DistributedBench: ParsableCommand { static let configuration = CommandConfiguration(commandName: "bench") }
