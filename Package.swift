// swift-tools-version:6.2
import PackageDescription

/// Settings every target shares: Swift 6 language mode (strict concurrency) plus the
/// habits Hummingbird uses to keep `any` visible and imports honest.
let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "cxd",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "cxd", targets: ["cxd"]),
        .library(name: "CXCore", targets: ["CXCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        // The HTTP service (issue 12): API, dashboard, one-click links, metrics, calendar feeds.
        // FullFoundation only: swift-configuration's reader is not used.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: ["FullFoundation"]),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        // PostgreSQL as the store of several `cxd run` nodes (issue 13).
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        // Tests only: a clock they advance by hand, to drive the dispatcher's real loop.
        .package(url: "https://github.com/pointfreeco/swift-clocks", from: "1.1.1"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
        // FilePath for Subprocess on Linux (Apple platforms have it as System).
        .package(url: "https://github.com/apple/swift-system", from: "1.5.0"),
    ],
    targets: [
        // Pure domain: workflows, initiatives, calendars, the state machine. No I/O, no clock.
        .target(name: "CXCore", swiftSettings: swiftSettings),
        // YAML → CXCore values, with diagnostics that name file:line:column.
        .target(
            name: "CXConfig",
            dependencies: ["CXCore", .product(name: "Yams", package: "Yams")],
            swiftSettings: swiftSettings
        ),
        // The store: one SQL layer over SQLite (GRDB, the embedded default) and PostgreSQL
        // (postgres-nio, for several nodes): migrations, records, the outbox.
        .target(
            name: "CXStore",
            dependencies: [
                "CXCore", .product(name: "GRDB", package: "GRDB.swift"),
                // SQLite's C API, for the one statement a million-row import runs a million times.
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                // `cxd db copy` verifies each table by a SHA-256 of its rows.
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // A small SMTP client on SwiftNIO (+ NIOSSL for implicit TLS and STARTTLS) and an
        // RFC 5322 / MIME message builder. Knows nothing about cxd.
        .target(
            name: "CXSMTP",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // A small HTTP/1.1 client on SwiftNIO (+ NIOSSL for https): kept-alive connections per
        // endpoint, one request in flight per connection, a deadline on the whole exchange.
        // Knows nothing about cxd.
        .target(
            name: "CXHTTP",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),
        // The notifier protocol, its registry, templates, and the file, email, webhook and exec
        // notifiers.
        .target(
            name: "CXNotifiers",
            dependencies: [
                "CXCore", "CXConfig", "CXSMTP", "CXHTTP",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system", condition: .when(platforms: [.linux])),
            ],
            swiftSettings: swiftSettings
        ),
        // Survey response files (CSV, JSON lines) and journey maps (Markdown, Mermaid, SVG).
        .target(name: "CXSurveys", dependencies: ["CXCore"], swiftSettings: swiftSettings),
        // The engine, the one application service the CLI, the daemon and the HTTP service all
        // go through: it loads states from the store and definitions from the YAML, lets the
        // machines of CXCore decide, and stores their effects (states, audit, outbox messages
        // composed for their routes) in one transaction. Also the reports built on it (status,
        // routes, surveys, outbox), survey imports, and the signed one-click links. No
        // long-running services: every call is told the time (`at: now`).
        .target(
            name: "CXEngine",
            dependencies: [
                "CXCore", "CXConfig", "CXStore", "CXNotifiers", "CXSurveys",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // The long-running services of `cxd run` around the engine: the scheduler, the
        // dispatcher and its delivery lanes (with the operators' delivery alerts), the daemon's
        // metrics, the wake-up signal, the service manager's notify socket, and the process
        // lock that keeps one daemon per database.
        .target(
            name: "CXDaemon",
            dependencies: [
                "CXCore", "CXConfig", "CXStore", "CXNotifiers", "CXEngine",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The HTTP service inside `cxd run`: JSON API, dashboard (Mustache), one-click link
        // pages, Prometheus metrics and iCalendar feeds. Every write goes through the engine;
        // from CXDaemon it takes only the engine in force (EngineHolder) and the daemon's
        // metric names.
        .target(
            name: "CXWeb",
            dependencies: [
                "CXCore", "CXConfig", "CXStore", "CXEngine", "CXDaemon", "CXNotifiers", "CXSurveys",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The executable: one command per file, no business logic.
        .executableTarget(
            name: "cxd",
            dependencies: [
                "CXCore", "CXConfig", "CXStore", "CXEngine", "CXDaemon", "CXNotifiers", "CXSurveys", "CXWeb",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // In-process benchmarks (issue 9): `swift run -c release cxd-bench --project DIR`.
        .executableTarget(
            name: "cxd-bench",
            dependencies: [
                "CXCore", "CXConfig", "CXStore", "CXEngine", "CXNotifiers",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        // What the tests share: temporary projects (engine and dispatcher over them), the real
        // binary, log capture, certificates.
        .target(
            name: "CXTestSupport",
            dependencies: [
                "CXCore", "CXConfig", "CXStore", "CXEngine", "CXDaemon", "CXNotifiers",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/CXTestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CXCoreTests",
            dependencies: ["CXCore", .product(name: "PropertyBased", package: "swift-property-based")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CXConfigTests",
            dependencies: ["CXConfig", "CXCore", "CXTestSupport"],
            resources: [.copy("Corpus")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CXSMTPTests",
            dependencies: [
                "CXSMTP", "CXTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CXHTTPTests",
            dependencies: [
                "CXHTTP", "CXTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CXNotifiersTests",
            dependencies: [
                "CXNotifiers", "CXCore", "CXConfig", "CXStore", "CXEngine", "CXDaemon", "CXHTTP", "CXTestSupport",
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Clocks", package: "swift-clocks"),
            ],
            exclude: ["Support"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CXSurveysTests",
            dependencies: ["CXSurveys", "CXCore", "CXTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CXStoreTests",
            dependencies: ["CXStore", "CXCore", "CXTestSupport", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
        // The engine alone, without the daemon's loop: reconciling, survey imports, composing
        // messages.
        .testTarget(
            name: "CXEngineTests",
            dependencies: [
                "CXEngine", "CXCore", "CXConfig", "CXStore", "CXNotifiers", "CXSurveys", "CXTestSupport",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            swiftSettings: swiftSettings
        ),
        // The services, and the engine driven through the daemon's loop (evaluate, then deliver)
        // in simulated time.
        .testTarget(
            name: "CXDaemonTests",
            dependencies: [
                "CXDaemon", "CXEngine", "CXCore", "CXConfig", "CXStore", "CXNotifiers", "CXSurveys", "CXTestSupport",
                .product(name: "Clocks", package: "swift-clocks"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // Runs the real `cxd` binary: exit codes, output, signals.
        .testTarget(
            name: "CXDTests",
            dependencies: ["cxd", "CXTestSupport", "CXStore", "CXCore", "CXNotifiers", "CXEngine"],
            swiftSettings: swiftSettings
        ),
    ]
)
