/// Text made ready to paste into a POSIX shell as one word.
public enum ShellWord {
    /// `text` single-quoted, each `'` in it written `'\''`.
    public static func quoted(_ text: String) -> String {
        "'" + text.map { $0 == "'" ? #"'\''"# : String($0) }.joined() + "'"
    }

    /// `text` as it is when it holds only characters the shell leaves alone, else ``quoted(_:)``.
    public static func of(_ text: String) -> String {
        let plain = !text.isEmpty && text.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "._/:=@%+,-".unicodeScalars.contains(scalar))
        }
        return plain ? text : quoted(text)
    }
}
