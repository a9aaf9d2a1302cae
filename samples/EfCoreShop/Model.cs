namespace EfCoreShop;

/// <summary>Mapped to the PostgreSQL enum <c>order_status</c> (see <see cref="ShopContext.ConfigureNpgsql"/>).</summary>
public enum OrderStatus { Pending, Paid, Shipped, Cancelled }

/// <summary>A category tree: each category may have a parent.</summary>
public sealed class Category
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public int? ParentId { get; set; }
    public Category? Parent { get; set; }
    public List<Category> Children { get; set; } = [];
}

public sealed class Product
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public decimal Price { get; set; }
    public required string CurrencyCode { get; set; }
    public Currency? Currency { get; set; }
    public int CategoryId { get; set; }
    public Category? Category { get; set; }

    /// <summary>An owned type stored as one jsonb column.</summary>
    public ProductDetails Details { get; set; } = new();
}

public sealed class ProductDetails
{
    public string? Colour { get; set; }
    public int? WeightGrams { get; set; }
    public List<string> Tags { get; set; } = [];
}

/// <summary>Reference data the migrations insert (HasData).</summary>
public sealed class Currency
{
    public required string Code { get; set; }
    public required string Name { get; set; }
}

public sealed class Customer
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public required string Email { get; set; }
    public List<Order> Orders { get; set; } = [];
}

public sealed class Order
{
    public int Id { get; set; }
    public int CustomerId { get; set; }
    public Customer? Customer { get; set; }
    public OrderStatus Status { get; set; }
    public DateTime PlacedAt { get; set; }
    public List<OrderLine> Lines { get; set; } = [];
}

public sealed class OrderLine
{
    public int OrderId { get; set; }
    public int LineNo { get; set; }
    public int ProductId { get; set; }
    public Product? Product { get; set; }
    public int Quantity { get; set; }
}
