/// The templates `headnet generate` renders (swift-mustache), shipped as this target's resources.
///
/// SwiftPM copies them into `headnet_HeadnetTemplates.resources/` next to the `headnet`
/// executable. Edit the `.mustache` files in this directory; `headnet generate --templates DIR`
/// renders a directory of your own instead.
public enum HeadnetTemplates {
    /// The directory SwiftPM puts the templates in, next to the executable.
    public static let resourceDirectoryName = "headnet_HeadnetTemplates.resources"
    /// The template of the systemd unit (one template unit per cluster, instance = node name).
    public static let systemdUnit = "headnet-node@.service"
    /// The template of the compose file (one service per node).
    public static let compose = "compose.yaml"
    /// Every template `headnet generate` needs.
    public static let all = [systemdUnit, compose]
}
