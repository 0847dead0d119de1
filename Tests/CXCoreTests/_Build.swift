import Testing
@Test func placeholderCXCoreTests() {}
