import HeadnetCLI

/// The `headnet` executable: everything lives in `HeadnetCLI`.
@main
struct HeadnetMain {
    static func main() async {
        await Headnet.main()
    }
}
