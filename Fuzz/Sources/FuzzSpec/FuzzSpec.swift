import ClusterSpec

/// `fuzz-spec`: the input is a spec file's text, read as `headnet validate` reads it:
/// `SpecReader.check(_:checkBinaries:)` (YAML through Yams, the walk that collects every
/// problem with its path and line, the whole-spec validation, the warnings). `checkBinaries` is
/// off: looking up `etcd.binary` on PATH reads the file system, not the input.
///
/// Besides not crashing, it checks: a refused spec names at least one problem; a spec that reads
/// renders (`SpecWriter.render`, what `headnet member` writes) to YAML that reads back to the
/// same spec, as `render` promises.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let check: SpecCheck
    do {
        check = try SpecReader.check(text, checkBinaries: false)
    } catch let error as SpecError {
        guard error.code == .syntax || !error.issues.isEmpty else { fail("a spec refused without a problem: \(error)", text) }
        _ = error.description
        return 0
    } catch {
        fail("SpecReader threw something other than a SpecError: \(error)", text)
    }
    let spec = check.spec
    _ = (spec.identity, spec.quorum, spec.founders, spec.remoteNodes.count, check.warnings.map(\.description))
    let rendered = SpecWriter.render(spec)
    do {
        let again = try SpecReader.check(rendered, checkBinaries: false)
        guard again.spec == spec else {
            fail("the rendered spec reads back as another spec:\n\(rendered)\nread as \(again.spec)\ninstead of \(spec)", text)
        }
    } catch {
        fail("the rendered spec does not read back: \(error)\n\(rendered)", text)
    }
    return 0
}

/// Stops the run, quoting the input, so that the report alone reproduces it.
func fail(_ what: String, _ text: String) -> Never {
    fatalError("\(what)\n--- input ---\n\(text)\n--- end ---")
}
