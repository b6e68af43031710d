import HeadnetCLI

#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// The `headnet` executable: everything lives in `HeadnetCLI`.
@main
struct HeadnetMain {
    static func main() async {
        // Line-buffered even into a pipe: `headnet logs -f | grep …` sees each line at once.
        setvbuf(stdout, nil, _IOLBF, 0)
        await Headnet.main()
    }
}
