import GRDB

extension StoreTransaction {
    /// Runs `body` in a savepoint: when it throws, what it wrote is undone and the rest of the
    /// transaction stays (several writers share one transaction, each in a savepoint).
    public func savepoint<T>(_ body: () throws -> T) throws -> T {
        var result: T?
        try db.inSavepoint {
            result = try body()
            return .commit
        }
        guard let result else { preconditionFailure("a committed savepoint ran its body") }
        return result
    }
}
