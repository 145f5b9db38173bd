import CCurl
import Foundation
import PlayBase

/// The state of one libcurl transfer: what to upload, where the response goes, and the flags the
/// progress callback reads. Everything but `cancel()` runs on the transfer's own thread.
final class CurlTransfer: @unchecked Sendable {
    private let exchange: CurlExchange
    private let cancelLock = NSLock()
    private var cancelled = false

    // Upload source.
    private var uploadData = Data()
    private var uploadOffset = 0
    private var uploadFile: UnsafeMutablePointer<FILE>?
    private var uploadSize: Int64 = 0

    // Response.
    private var status = 0
    private var headers = HTTPHeaders()
    private var body = Data()
    private var downloadFile: UnsafeMutablePointer<FILE>?
    private var partialPath: String?
    /// Set by a callback that refused to go on, to explain CURLE_WRITE_ERROR / CURLE_READ_ERROR.
    private var localFailure: String?

    // Idle timeout, checked by the progress callback (libcurl's own low-speed check only does whole seconds).
    private var lastProgress: (Int64, Int64) = (0, 0)
    private var lastProgressTime = ContinuousClock.now
    private var timedOut = false

    init(_ exchange: CurlExchange) throws(HTTPTransportError) {
        self.exchange = exchange
        switch exchange.body {
        case .data(let data):
            uploadData = data
            uploadSize = Int64(data.count)
        case .file(let url):
            guard let file = fopen(url.path, "rb") else {
                throw HTTPTransportError(.local, "\(exchange.summary): cannot read \(url.path): \(String(cString: strerror(errno)))")
            }
            var info = stat()
            guard fstat(fileno(file), &info) == 0 else {
                fclose(file)
                throw HTTPTransportError(.local, "\(exchange.summary): cannot read \(url.path): \(String(cString: strerror(errno)))")
            }
            uploadFile = file
            uploadSize = Int64(info.st_size)
        }
    }

    deinit {
        if let uploadFile { fclose(uploadFile) }
        discardDownload()
    }

    func cancel() {
        cancelLock.withLock { cancelled = true }
    }

    private var isCancelled: Bool { cancelLock.withLock { cancelled } }

    // MARK: - Running

    func run(on easy: CurlEasy) -> Result<HTTPResponse, any Error> {
        let handle = easy.raw
        ccurl_easy_reset(handle)
        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
        var headerList: UnsafeMutablePointer<curl_slist>?
        defer {
            ccurl_setopt_ptr(handle, CURLOPT_ERRORBUFFER, nil)
            errorBuffer.deallocate()
            ccurl_slist_free_all(headerList)
        }
        if isCancelled { return .failure(CancellationError()) }

        var hasExpect = false
        for field in exchange.headers {
            let lower = field.name.lowercased()
            if lower == "host" { continue }
            if lower == "expect" { hasExpect = true }
            // "Name:" would remove a header in libcurl; "Name;" sends it empty.
            let line = field.value.isEmpty ? "\(field.name);" : "\(field.name): \(field.value)"
            headerList = ccurl_slist_append(headerList, line)
        }
        // No "Expect: 100-continue" round trip before uploads.
        if !hasExpect { headerList = ccurl_slist_append(headerList, "Expect:") }

        let me = Unmanaged.passUnretained(self).toOpaque()
        ccurl_setopt_string(handle, CURLOPT_URL, exchange.url)
        ccurl_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        ccurl_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "http,https")
        ccurl_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 0)
        ccurl_setopt_ptr(handle, CURLOPT_ERRORBUFFER, errorBuffer)
        ccurl_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList)
        configureMethod(handle, me)

        let timeout = max(0.001, exchange.timeout)
        ccurl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, Int(max(1, (timeout * 1000).rounded(.up))))
        // Backstop in whole seconds; the progress callback enforces the exact value.
        ccurl_setopt_long(handle, CURLOPT_LOW_SPEED_LIMIT, 1)
        ccurl_setopt_long(handle, CURLOPT_LOW_SPEED_TIME, Int(max(1, timeout.rounded(.up))))
        if !exchange.verifyTLS {
            ccurl_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 0)
            ccurl_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 0)
        }

        ccurl_setopt_ptr(handle, CURLOPT_HEADERDATA, me)
        ccurl_setopt_data_callback(handle, CURLOPT_HEADERFUNCTION) { buffer, size, count, context in
            guard let buffer, let context else { return 0 }
            let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
            transfer.receiveHeader(UnsafeRawBufferPointer(start: buffer, count: size * count))
            return size * count
        }
        ccurl_setopt_ptr(handle, CURLOPT_WRITEDATA, me)
        ccurl_setopt_data_callback(handle, CURLOPT_WRITEFUNCTION) { buffer, size, count, context in
            guard let buffer, let context else { return 0 }
            let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
            return transfer.receiveBody(UnsafeRawBufferPointer(start: buffer, count: size * count)) ? size * count : 0
        }
        ccurl_setopt_long(handle, CURLOPT_NOPROGRESS, 0)
        ccurl_setopt_ptr(handle, CURLOPT_XFERINFODATA, me)
        ccurl_setopt_xferinfo_callback(handle) { context, _, downloaded, _, uploaded in
            guard let context else { return 1 }
            let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
            return transfer.progress(downloaded: Int64(downloaded), uploaded: Int64(uploaded)) ? 0 : 1
        }

        lastProgressTime = .now
        let code = withExtendedLifetime(self) { ccurl_easy_perform(handle) }
        let detail = String(cString: errorBuffer)
        return finish(code, detail: detail, handle: handle)
    }

    private func configureMethod(_ handle: UnsafeMutableRawPointer, _ me: UnsafeMutableRawPointer) {
        let method = exchange.method.uppercased()
        let sendsBody = uploadSize > 0 || uploadFile != nil || ["PUT", "POST", "PATCH"].contains(method)
        if method == "HEAD" {
            ccurl_setopt_long(handle, CURLOPT_NOBODY, 1)
        } else if sendsBody {
            // An upload with a known size gives Content-Length; the method string replaces PUT.
            ccurl_setopt_long(handle, CURLOPT_UPLOAD, 1)
            ccurl_setopt_off_t(handle, CURLOPT_INFILESIZE_LARGE, curl_off_t(uploadSize))
            ccurl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, exchange.method)
            ccurl_setopt_ptr(handle, CURLOPT_READDATA, me)
            ccurl_setopt_data_callback(handle, CURLOPT_READFUNCTION) { buffer, size, count, context in
                guard let buffer, let context else { return Int(CURL_READFUNC_ABORT) }
                let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
                return transfer.supplyBody(UnsafeMutableRawBufferPointer(start: buffer, count: size * count))
            }
            // libcurl rewinds when it re-sends on a fresh connection after a reused one died.
            ccurl_setopt_ptr(handle, CURLOPT_SEEKDATA, me)
            ccurl_setopt_seek_callback(handle) { context, offset, origin in
                guard let context, origin == SEEK_SET else { return Int32(CURL_SEEKFUNC_CANTSEEK) }
                let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
                return transfer.rewind(to: Int64(offset)) ? Int32(CURL_SEEKFUNC_OK) : Int32(CURL_SEEKFUNC_FAIL)
            }
        } else if method == "GET" {
            ccurl_setopt_long(handle, CURLOPT_HTTPGET, 1)
        } else {
            ccurl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, exchange.method)
        }
    }

    // MARK: - Callbacks (on the transfer thread)

    private func receiveHeader(_ line: UnsafeRawBufferPointer) {
        var text = String(decoding: line, as: UTF8.self)
        while let last = text.last, last.isNewline { text.removeLast() }  // "\r\n" is one Character
        if text.hasPrefix("HTTP/") {
            // A new status line: an interim 1xx answer's fields do not belong to the final one.
            let parts = text.split(separator: " ", maxSplits: 2)
            status = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
            headers = HTTPHeaders()
            return
        }
        guard !text.isEmpty else { return }
        if let first = text.first, first == " " || first == "\t", let last = headers.fields.last {
            // An obsolete folded continuation of the previous field.
            headers.set(last.name, last.value + " " + text.trimmingCharacters(in: .whitespaces))
            return
        }
        guard let colon = text.firstIndex(of: ":") else { return }
        headers.add(String(text[..<colon]), text[text.index(after: colon)...].trimmingCharacters(in: .whitespaces))
    }

    private func receiveBody(_ chunk: UnsafeRawBufferPointer) -> Bool {
        guard let destination = exchange.downloadDestination, (200..<300).contains(status) else {
            guard body.count + chunk.count <= exchange.maxBodyBytes else {
                localFailure = "the answer's body is larger than the \(ByteSize.describe(exchange.maxBodyBytes)) play keeps in memory"
                    + " for one response; refused (is the endpoint the service it should be?)"
                return false
            }
            body.append(contentsOf: chunk)
            return true
        }
        if downloadFile == nil {
            guard openDownload(destination) else { return false }
        }
        guard let file = downloadFile, let base = chunk.baseAddress else { return true }
        if fwrite(base, 1, chunk.count, file) != chunk.count {
            localFailure = "cannot write \(destination.path): \(String(cString: strerror(errno)))"
            return false
        }
        return true
    }

    private func openDownload(_ destination: URL) -> Bool {
        let directory = destination.deletingLastPathComponent().path
        let path = "\(directory)/.\(destination.lastPathComponent).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).part"
        guard let file = fopen(path, "wb") else {
            localFailure = "cannot write \(destination.path): \(String(cString: strerror(errno)))"
            return false
        }
        downloadFile = file
        partialPath = path
        return true
    }

    private func supplyBody(_ buffer: UnsafeMutableRawBufferPointer) -> Int {
        if let file = uploadFile {
            guard let base = buffer.baseAddress else { return 0 }
            let n = fread(base, 1, buffer.count, file)
            if n < buffer.count, ferror(file) != 0 {
                localFailure = "cannot read the upload file: \(String(cString: strerror(errno)))"
                return Int(CURL_READFUNC_ABORT)
            }
            return n
        }
        let n = min(buffer.count, uploadData.count - uploadOffset)
        guard n > 0 else { return 0 }
        let start = uploadData.startIndex + uploadOffset
        uploadData.copyBytes(to: buffer.bindMemory(to: UInt8.self), from: start..<start + n)
        uploadOffset += n
        return n
    }

    private func rewind(to offset: Int64) -> Bool {
        guard offset >= 0, offset <= uploadSize else { return false }
        if let file = uploadFile { return fseeko(file, off_t(offset), SEEK_SET) == 0 }
        uploadOffset = Int(offset)
        return true
    }

    /// false aborts the transfer: the task was cancelled or nothing moved for `timeout` seconds.
    private func progress(downloaded: Int64, uploaded: Int64) -> Bool {
        if isCancelled { return false }
        let now = ContinuousClock.now
        if (downloaded, uploaded) != lastProgress {
            lastProgress = (downloaded, uploaded)
            lastProgressTime = now
            return true
        }
        if now - lastProgressTime > .milliseconds(Int64((exchange.timeout * 1000).rounded(.up))) {
            timedOut = true
            return false
        }
        return true
    }

    // MARK: - Outcome

    private func finish(_ code: CURLcode, detail: String, handle: UnsafeMutableRawPointer) -> Result<HTTPResponse, any Error> {
        if code == CURLE_OK {
            var responseCode = 0
            if ccurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &responseCode) == CURLE_OK, responseCode > 0 {
                status = responseCode
            }
            guard status > 0 else {
                discardDownload()
                return .failure(HTTPTransportError(.connectionLost, "\(exchange.summary): no HTTP response"))
            }
            if let destination = exchange.downloadDestination, (200..<300).contains(status) {
                do {
                    try completeDownload(destination)
                } catch {
                    discardDownload()
                    return .failure(error)
                }
            }
            return .success(HTTPResponse(status: status, headers: headers, body: body))
        }
        discardDownload()
        if isCancelled { return .failure(CancellationError()) }
        return .failure(error(for: code, detail: detail))
    }

    private func completeDownload(_ destination: URL) throws(HTTPTransportError) {
        // An empty 2xx body never reached the write callback: the file is still due.
        if downloadFile == nil, !openDownload(destination) {
            throw HTTPTransportError(.local, "\(exchange.summary): \(localFailure ?? "cannot write \(destination.path)")")
        }
        guard let file = downloadFile, let path = partialPath else { return }
        downloadFile = nil
        let closed = fclose(file) == 0
        guard closed, rename(path, destination.path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(path)
            partialPath = nil
            throw HTTPTransportError(.local, "\(exchange.summary): cannot write \(destination.path): \(reason)")
        }
        partialPath = nil
    }

    private func discardDownload() {
        if let file = downloadFile { fclose(file) }
        downloadFile = nil
        if let path = partialPath { unlink(path) }
        partialPath = nil
    }

    /// Maps a libcurl failure to the transport's kinds; says which request, never its query or secrets.
    private func error(for code: CURLcode, detail: String) -> HTTPTransportError {
        let reason = detail.isEmpty ? String(cString: ccurl_easy_strerror(code)) : detail
        let summary = exchange.summary
        switch code {
        case CURLE_ABORTED_BY_CALLBACK where timedOut, CURLE_OPERATION_TIMEDOUT:
            return HTTPTransportError(.timedOut, "\(summary): no answer in time")
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            return HTTPTransportError(.cannotConnect, "\(summary): cannot connect (\(reason))")
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
             CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_ENGINE_INITFAILED,
             CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_CRL_BADFILE,
             CURLE_SSL_SHUTDOWN_FAILED, CURLE_USE_SSL_FAILED, CURLE_SSL_CLIENTCERT:
            return HTTPTransportError(.local, "\(summary): TLS failed (\(reason))")
        case CURLE_WRITE_ERROR, CURLE_READ_ERROR, CURLE_FILE_COULDNT_READ_FILE, CURLE_ABORTED_BY_CALLBACK:
            return HTTPTransportError(.local, "\(summary): \(localFailure ?? reason)")
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL:
            return HTTPTransportError(.local, "\(summary): \(reason)")
        default:
            // Send/receive failures, an empty reply, a cut-short body: the request may have gone out.
            return HTTPTransportError(.connectionLost, "\(summary): \(reason)")
        }
    }
}
