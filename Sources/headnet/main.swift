import HeadnetCLI

await Headnet.main()
