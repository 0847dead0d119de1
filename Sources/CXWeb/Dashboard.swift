import CXConfig
import CXCore
import CXDaemon
import Foundation
import HTTPTypes
import Hummingbird

/// The dashboard's pages.
extension Site {
    func addDashboardRoutes(to router: Router<BasicRequestContext>) {
        addSignInRoutes(to: router)
    }
}
