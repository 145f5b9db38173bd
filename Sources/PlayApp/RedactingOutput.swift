import PlayBase

/// A session's output with the run's vaulted values blanked (`SecretRedactor`) before they
/// reach the terminal, a pipe or a log.
struct RedactingOutput: SessionOutput {
    let inner: any SessionOutput
    let redactor: SecretRedactor

    init(_ inner: any SessionOutput, redactor: SecretRedactor) {
        self.inner = inner
        self.redactor = redactor
    }

    func write(_ text: String) {
        inner.write(redactor.isEmpty ? text : redactor.redact(text))
    }

    func error(_ text: String) {
        inner.error(redactor.isEmpty ? text : redactor.redact(text))
    }
}
