import ArgumentParser

/// `--output FILE` (`-` for stdout) of encrypt, decrypt and encrypt_string.
struct OutputOption: ParsableArguments {
    @Option(name: .customLong("output"), help: ArgumentHelp("Output file name for encrypt or decrypt; use - for stdout.", valueName: "file"))
    var output: String?
}
