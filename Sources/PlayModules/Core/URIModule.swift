import Foundation
import OrderedCollections
import PlayBase
import PlayExecutor
import PlayLanguage

/// `uri`: an HTTP request from the controller (libcurl, loaded on first use; see `HTTPExchange`).
/// `validate_certs: false` skips certificate and host name checks. Redirects and basic-auth challenges are
/// handled here so `follow_redirects` and `force_basic_auth` mean what they mean in Ansible.
/// The result carries `status`, `url`, `msg`, `redirected`, `elapsed`, the response headers
/// lower-cased with `-` as `_`, `json` for JSON answers and `content` with `return_content`.
/// Fails when the status is not in `status_code`.
public struct URIModule: Module {
    public init() {}

    static let maxRedirects = 10

    public let spec = ModuleSpec(name: "uri", arguments: [
        ArgumentSpec("url", .string, required: true),
        ArgumentSpec("method", .string, defaultValue: "GET"),
        ArgumentSpec("body", .raw),
        ArgumentSpec("body_format", .string, choices: ["raw", "json", "form-urlencoded"], defaultValue: "raw"),
        ArgumentSpec("headers", .dict, defaultValue: .emptyDict),
        ArgumentSpec("status_code", .list, defaultValue: [200], elements: .int),
        ArgumentSpec("return_content", .bool, defaultValue: false),
        ArgumentSpec("timeout", .float, defaultValue: 30),
        ArgumentSpec("validate_certs", .bool, defaultValue: true),
        ArgumentSpec("url_username", .string, aliases: ["user"]),
        ArgumentSpec("url_password", .string, aliases: ["password"]),
        ArgumentSpec("force_basic_auth", .bool, defaultValue: false),
        ArgumentSpec("follow_redirects", .string, choices: ["all", "no", "none", "safe", "urllib2", "yes"],
                     defaultValue: "safe"),
        ArgumentSpec("http_agent", .string, defaultValue: "ansible-httpget"),
    ], freeForm: .keyValue)

    public func run(_ context: ModuleContext) async throws -> TaskResult {
        if context.checkMode {
            // Ansible's uri does not support check mode: a request may change the far side.
            return TaskResult(["changed": false, "skipped": true, "msg": "remote module (uri) does not support check mode"])
        }
        guard let urlText = context.string("url"), var components = URLComponents(string: urlText),
              let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
              components.host?.isEmpty == false else {
            return .failed("url must be an http:// or https:// URL, got '\(context.string("url") ?? "")'")
        }
        var method = (context.string("method") ?? "GET").uppercased()
        var statusCodes: [Int] = []
        for v in context.list("status_code") ?? [200] {
            guard let code = ValueCoercion.int(v) else {
                return .failed("status_code must be a list of integers, got \(v.pythonRepr)")
            }
            statusCodes.append(code)
        }
        let verifyTLS = context.bool("validate_certs", default: true)
        // Credentials in the URL count as url_username/url_password, and never show in results.
        var username = context.string("url_username") ?? components.user
        var password = context.string("url_password") ?? components.password
        if username == nil, password != nil { username = "" }
        if password == nil, username != nil { password = "" }
        components.user = nil
        components.password = nil

        var headers = RequestHeaders()
        headers.set("User-Agent", context.string("http_agent") ?? "ansible-httpget")
        for (name, value) in context.args["headers"]?.dictValue ?? [:] {
            headers.set(name, value.renderedString)
        }
        var body = Data()
        switch (context.args["body"], context.string("body_format") ?? "raw") {
        case (nil, _), (.null?, _):
            break
        case (let value?, "json"):
            if case .string(let s) = value { body = Data(s.utf8) } else { body = Data(value.jsonString().utf8) }
            if headers["Content-Type"] == nil { headers.set("Content-Type", "application/json") }
        case (let value?, "form-urlencoded"):
            guard let encoded = Self.formEncoded(value) else {
                return .failed("failed to parse body as form_urlencoded: give a dict or a list of [key, value] pairs")
            }
            body = Data(encoded.utf8)
            if headers["Content-Type"] == nil { headers.set("Content-Type", "application/x-www-form-urlencoded") }
        case (let value?, _):
            body = Data(value.renderedString.utf8)
        }
        let credentials = username.map { "Basic " + Data("\($0):\(password ?? "")".utf8).base64EncodedString() }
        if context.bool("force_basic_auth"), let credentials { headers.set("Authorization", credentials) }

        let follow = context.string("follow_redirects") ?? "safe"
        let timeout = max(0.1, context.double("timeout") ?? 30)
        let start = ContinuousClock.now
        var current = components
        var redirected = false
        var triedAuth = headers["Authorization"] != nil
        var response: HTTPExchange.Response
        var redirects = 0
        while true {
            guard let url = current.url else {
                return .failed("cannot form a URL from '\(Self.display(current))'")
            }
            do {
                response = try await HTTPExchange.send(method: method, url: url, headers: headers.fields, body: body,
                                                       timeout: timeout, verifyTLS: verifyTLS)
            } catch let error as HTTPExchange.Failure {
                let message = error.timedOut ? "Connection failure: timed out" : "Request failed: \(error.description)"
                return .failed(message, ["status": -1, "url": .string(Self.display(current)), "redirected": .bool(redirected),
                                         "elapsed": .int(Self.seconds(since: start))])
            }
            if response.status == 401, !triedAuth, let credentials,
               response.header("WWW-Authenticate")?.lowercased().hasPrefix("basic") ?? false {
                triedAuth = true
                headers.set("Authorization", credentials)
                continue
            }
            guard (300...399).contains(response.status), response.status != 304,
                  let location = response.header("Location"),
                  Self.follows(follow, method: method), redirects < Self.maxRedirects,
                  let next = URL(string: location, relativeTo: current.url)?.absoluteURL,
                  let nextComponents = URLComponents(url: next, resolvingAgainstBaseURL: true) else { break }
            redirects += 1
            redirected = true
            if response.status == 303 || ((response.status == 301 || response.status == 302) && method == "POST") {
                method = method == "HEAD" ? "HEAD" : "GET"
                body = Data()
                headers.set("Content-Type", nil)
            }
            if nextComponents.host != current.host { headers.set("Authorization", nil); triedAuth = false }
            current = nextComponents
        }
        return result(response, url: Self.display(current), redirected: redirected, start: start,
                      statusCodes: statusCodes, returnContent: context.bool("return_content"))
    }

    private func result(_ response: HTTPExchange.Response, url: String, redirected: Bool, start: ContinuousClock.Instant,
                        statusCodes: [Int], returnContent: Bool) -> TaskResult {
        var r = TaskResult()
        for field in response.headers {
            let key = field.name.lowercased().replacingOccurrences(of: "-", with: "_")
            r[key] = .string(r[key].map { "\($0.renderedString), \(field.value)" } ?? field.value)
        }
        let length = response.header("Content-Length") ?? "unknown"
        let message = response.status >= 300
            ? "HTTP Error \(response.status): \(HTTPStatusPhrase.phrase(response.status))"
            : "OK (\(length) bytes)"
        var cookies: OrderedDictionary<String, Value> = [:]
        for header in response.headers where header.name.lowercased() == "set-cookie" {
            for cookie in Self.splitCookies(header.value) {
                guard let pair = cookie.split(separator: ";").first, let eq = pair.firstIndex(of: "=") else { continue }
                cookies[pair[..<eq].trimmingCharacters(in: .whitespaces)] = .string(String(pair[pair.index(after: eq)...]))
            }
        }
        r["status"] = .int(response.status)
        r["url"] = .string(url)
        r["redirected"] = .bool(redirected)
        r["elapsed"] = .int(Self.seconds(since: start))
        r["cookies"] = .dict(cookies)
        r["cookies_string"] = .string(cookies.map { "\($0.key)=\($0.value.renderedString)" }.joined(separator: "; "))
        r["changed"] = false
        let text = String(decoding: response.body, as: UTF8.self)
        if (response.header("Content-Type") ?? "").lowercased().contains("json"), let json = try? Value.parseJSON(text) {
            r["json"] = json
        }
        if returnContent { r["content"] = .string(text) }
        if statusCodes.contains(response.status) {
            r["msg"] = .string(message)
        } else {
            r.failed = true
            r["msg"] = .string("Status code was \(response.status) and not \(Value.list(statusCodes.map(Value.int)).pythonRepr): \(message)")
        }
        return r
    }

    /// Whether `follow_redirects` lets this method follow a redirect.
    static func follows(_ policy: String, method: String) -> Bool {
        switch policy {
        case "all", "yes", "urllib2": return true
        case "safe": return method == "GET" || method == "HEAD"
        default: return false
        }
    }

    /// The URL without credentials, as results show it.
    static func display(_ components: URLComponents) -> String {
        var c = components
        c.user = nil
        c.password = nil
        return c.string ?? ""
    }

    static func seconds(since start: ContinuousClock.Instant) -> Int {
        Int((ContinuousClock.now - start).components.seconds)
    }

    /// `body_format: form-urlencoded`: a dict or a list of pairs, encoded as a browser form does.
    static func formEncoded(_ value: Value) -> String? {
        var pairs: [(String, String)] = []
        switch value {
        case .string(let s): return s
        case .dict(let d): pairs = d.map { ($0.key, $0.value.renderedString) }
        case .list(let items):
            for item in items {
                guard let pair = item.listValue, pair.count == 2 else { return nil }
                pairs.append((pair[0].renderedString, pair[1].renderedString))
            }
        default: return nil
        }
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._*")
        func encode(_ s: String) -> String {
            (s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s).replacingOccurrences(of: "%20", with: "+")
        }
        return pairs.map { encode($0.0) + "=" + encode($0.1) }.joined(separator: "&")
    }

    /// Set-Cookie values that a transport joined with commas, split back (commas inside
    /// `Expires=Wed, 21 Oct ...` are not separators).
    static func splitCookies(_ header: String) -> [String] {
        var cookies: [String] = []
        var current = ""
        for part in header.components(separatedBy: ",") {
            let trimmed = part.trimmingCharacters(in: .whitespaces)
            let startsCookie = trimmed.firstIndex(of: "=").map { eq in
                let name = trimmed[..<eq]
                return !name.isEmpty && !name.contains(" ") && !name.contains(";")
            } ?? false
            if current.isEmpty {
                current = trimmed
            } else if startsCookie {
                cookies.append(current)
                current = trimmed
            } else {
                current += "," + part
            }
        }
        if !current.isEmpty { cookies.append(current) }
        return cookies
    }
}
