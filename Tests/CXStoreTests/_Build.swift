import Testing
@Test func placeholderCXStoreTests() {}
