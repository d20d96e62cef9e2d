module github.com/jwtexp/jwtexp

go 1.23
