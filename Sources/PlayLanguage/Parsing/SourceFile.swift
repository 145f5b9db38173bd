/// A file being parsed: its path (as locations print it) and its directory.
struct SourceFile {
    var path: String
    var directory: String

    init(path: String) {
        self.path = path
        self.directory = ParseSession.directory(of: path)
    }
}
