import Foundation

/// How cxd turns the paths written in YAML into file paths.
///
/// A relative path is joined to the folder of the file that names it (for `cxd.yaml` as given on
/// the command line) and the result is normalised lexically: `.` and `folder/..` are removed,
/// symbolic links are not followed. A relative configuration path therefore yields relative
/// paths in diagnostics (`config/../workflows/a.yaml` reads `workflows/a.yaml`), an absolute one
/// absolute paths. Paths stored in the configuration (database, notifier `path` options) are
/// made absolute against the current directory.
enum Paths {
    static func normalize(_ path: String) -> String {
        let isAbsolute = path.hasPrefix("/")
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch part {
            case ".": continue
            case "..":
                if let last = parts.last, last != ".." {
                    parts.removeLast()
                } else if !isAbsolute {
                    parts.append(part)
                }
            default: parts.append(part)
            }
        }
        let joined = parts.joined(separator: "/")
        if isAbsolute { return "/" + joined }
        return joined.isEmpty ? "." : joined
    }

    /// The folder of `file` ("." when it has none).
    static func directory(of file: String) -> String {
        guard let slash = file.lastIndex(of: "/") else { return "." }
        let folder = String(file[..<slash])
        return folder.isEmpty ? "/" : folder
    }

    /// `path` as seen from `folder`.
    static func resolve(_ path: String, against folder: String) -> String {
        path.hasPrefix("/") ? normalize(path) : normalize(folder + "/" + path)
    }

    static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? normalize(path) : normalize(FileManager.default.currentDirectoryPath + "/" + path)
    }

    /// A stored absolute `path` (a notifier's template, say) as diagnostics show it: relative to
    /// the current directory when `relative` (the configuration was named by a relative path)
    /// and it lies inside that directory.
    static func shown(_ path: String, relative: Bool) -> String {
        guard relative else { return path }
        let current = normalize(FileManager.default.currentDirectoryPath)
        let prefix = current == "/" ? "/" : current + "/"
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
    }

    /// `*.yaml` and `*.yml` files of `folder`, sorted by name; nil when it is not a readable folder.
    static func yamlFiles(in folder: String) -> [String]? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue,
              let names = try? FileManager.default.contentsOfDirectory(atPath: folder)
        else { return nil }
        let base = normalize(folder)
        return names.filter { ($0.hasSuffix(".yaml") || $0.hasSuffix(".yml")) && !$0.hasPrefix(".") }
            .sorted()
            .map { join(base, $0) }
    }

    /// `name` (a file name: no slash, not `.` or `..`) in the normalised `folder`, without
    /// normalising again (a folder of 100,000 initiative files is listed on every reconcile).
    static func join(_ folder: String, _ name: some StringProtocol) -> String {
        switch folder {
        case ".": return String(name)
        case "/": return "/" + name
        default: return folder + "/" + name
        }
    }

    /// Whether `path` is a folder (one `stat`, no listing).
    static func isFolder(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    /// Why `folder` cannot be listed, for the diagnostic.
    static func folderProblem(_ folder: String) -> String {
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory) {
            return "cannot read folder: no such folder"
        }
        return isDirectory.boolValue ? "cannot read folder: permission denied" : "expected a folder, found a file"
    }
}
