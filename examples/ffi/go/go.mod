module foilffi

go 1.19
