import OrderedCollections
import PlayBase
import PlayLanguage

/// Asks for a play's `vars_prompt` variables before it starts, as Ansible's `do_var_prompt`:
/// a variable given with `-e` is not asked for; an empty answer, or no terminal, takes the default.
struct VarsPrompter {
    let terminal: TerminalPrompt
    let extraVars: OrderedDictionary<String, Value>

    struct Answers {
        var values: OrderedDictionary<String, Value> = [:]
        /// Answers marked `unsafe`: never templated.
        var unsafeValues: OrderedDictionary<String, Value> = [:]
        var warnings: [String] = []
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    func answers(for prompts: [VarsPrompt]) async throws -> Answers {
        var answers = Answers()
        let interactive = terminal.isInteractive()
        for prompt in prompts where extraVars[prompt.name] == nil {
            var answer = ""
            if interactive {
                answer = try await ask(prompt)
            } else if !answers.warnings.contains(Self.notInteractive) {
                answers.warnings.append(Self.notInteractive)
            }
            if answer.isEmpty, let fallback = prompt.defaultValue {
                // A default is templated even when `unsafe` (as ansible-core 2.19 does).
                answers.values[prompt.name] = .string(try encrypted(fallback.renderedString, prompt))
            } else if answer.isEmpty && !interactive {
                throw Failure(description: "\(prompt.location): vars_prompt '\(prompt.name)' has no default and there is no terminal to ask on; pass it with -e \(prompt.name)=VALUE")
            } else if prompt.unsafe {
                answers.unsafeValues[prompt.name] = .string(try encrypted(answer, prompt))
            } else {
                answers.values[prompt.name] = .string(try encrypted(answer, prompt))
            }
        }
        return answers
    }

    /// The answer as its `encrypt` hash, when the prompt asks for one.
    private func encrypted(_ answer: String, _ prompt: VarsPrompt) throws -> String {
        guard let scheme = prompt.encrypt else { return answer }
        do {
            return try CryptHash.hash(answer, scheme: scheme, salt: prompt.salt, saltSize: prompt.saltSize)
        } catch {
            throw Failure(description: "\(prompt.location): vars_prompt '\(prompt.name)': \(error.description)")
        }
    }

    static let notInteractive = "Not prompting as we are not in interactive mode"

    private func ask(_ prompt: VarsPrompt) async throws -> String {
        let message: String
        if let text = prompt.prompt, !text.isEmpty, let fallback = prompt.defaultValue {
            message = "\(text) [\(fallback.renderedString)]: "
        } else if let text = prompt.prompt, !text.isEmpty {
            message = "\(text): "
        } else {
            message = "input for \(prompt.name): "
        }
        let echo = !prompt.isPrivate
        guard prompt.confirm else { return try await terminal.readLine(prompt: message, echo: echo) }
        var lead = ""
        while true {
            let first = try await terminal.readLine(prompt: lead + message, echo: echo)
            let second = try await terminal.readLine(prompt: "confirm " + message, echo: echo)
            if first == second { return first }
            lead = "***** VALUES ENTERED DO NOT MATCH ****\n"
        }
    }
}
